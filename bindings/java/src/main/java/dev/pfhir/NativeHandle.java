package dev.pfhir;

import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One native handle owned by a Java object: freed exactly once, by {@link #close()} or, as a
 * safety net, by a {@link Cleaner} when it becomes unreachable. Calls hold a read lock so that
 * {@code close()} waits for calls in flight on other threads instead of freeing the handle
 * under them (which the C ABI leaves undefined). Not API.
 */
final class NativeHandle implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    /** Handles created and not freed yet (for leak tests). */
    private static final AtomicLong LIVE = new AtomicLong();

    /** The free action; must not refer to the owner, or the owner would never be collected. */
    private static final class Free implements Runnable {
        private Pointer pointer;
        private final Consumer<Pointer> free;

        Free(Pointer pointer, Consumer<Pointer> free) {
            this.pointer = pointer;
            this.free = free;
        }

        @Override
        public void run() {
            Pointer p = pointer;
            pointer = null;
            if (p != null) {
                free.accept(p);
                LIVE.decrementAndGet();
            }
        }
    }

    private final String what;
    private final Pointer pointer;
    private final Cleaner.Cleanable cleanable;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    NativeHandle(String what, Pointer pointer, Consumer<Pointer> free) {
        if (pointer == null) {
            throw new IllegalStateException("pfhir returned no " + what + " handle");
        }
        this.what = what;
        this.pointer = pointer;
        LIVE.incrementAndGet();
        this.cleanable = CLEANER.register(this, new Free(pointer, free));
    }

    /** Native handles (validators, clients) not freed yet, in this class loader. */
    static long live() {
        return LIVE.get();
    }

    /** Runs {@code f} with the live handle; {@link IllegalStateException} once closed. */
    <T> T call(Function<Pointer, T> f) {
        ReentrantReadWriteLock.ReadLock r = lock.readLock();
        r.lock();
        try {
            if (closed) {
                throw new IllegalStateException("this " + what + " is closed");
            }
            return f.apply(pointer);
        } finally {
            r.unlock();
            Reference.reachabilityFence(this);
        }
    }

    boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Frees the handle (once); waits for calls in flight. */
    @Override
    public void close() {
        ReentrantReadWriteLock.WriteLock w = lock.writeLock();
        w.lock();
        try {
            if (!closed) {
                closed = true;
                cleanable.clean();
            }
        } finally {
            w.unlock();
        }
    }
}
