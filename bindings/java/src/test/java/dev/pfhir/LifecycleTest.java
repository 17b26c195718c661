package dev.pfhir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Every native handle is freed: by close(), or by the Cleaner for a forgotten one. */
@Isolated
class LifecycleTest {

    @Test
    void closeFreesAndIsIdempotent() {
        long before = NativeHandle.live();
        Validator v = new Validator();
        assertEquals(before + 1, NativeHandle.live());
        v.close();
        assertEquals(before, NativeHandle.live());
        v.close();
        assertEquals(before, NativeHandle.live());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> v.validate("{}"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertTrue(v.toString().contains("closed"));
    }

    @Test
    void failedConstructionLeaksNothing() {
        long before = NativeHandle.live();
        for (int i = 0; i < 50; i++) {
            assertThrows(ArgumentException.class, () -> Validator.builder().rule("nope", RuleSeverity.OFF).build());
            assertThrows(ConfigException.class, () -> new Client(ClientConfig.builder().build()));
        }
        assertEquals(before, NativeHandle.live());
    }

    @Test
    void forgottenHandlesAreFreedByTheCleaner() throws InterruptedException {
        long before = NativeHandle.live();
        for (int i = 0; i < 200; i++) {
            Validator v = new Validator();
            v.validate("{}");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (NativeHandle.live() > before && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(before, NativeHandle.live(), "the Cleaner freed every forgotten validator");
    }

    @Test
    void closeWaitsForCallsInFlight() throws Exception {
        byte[] doc = Files.readAllBytes(TestSupport.fixtures().resolve("110-valid-full-partner-bundle.json"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 5; round++) {
                Validator v = new Validator();
                CountDownLatch started = new CountDownLatch(4);
                List<Future<Integer>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    futures.add(pool.submit(() -> {
                        started.countDown();
                        int done = 0;
                        try {
                            while (true) {
                                assertFalse(v.validate(doc).hasErrors());
                                done++;
                            }
                        } catch (IllegalStateException closed) {
                            return done;
                        }
                    }));
                }
                started.await();
                Thread.sleep(20);
                v.close();
                for (Future<Integer> f : futures) {
                    f.get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
