/*
 * TEST-ONLY shim, never shipped: a bcryptprimitives.dll that exports ProcessPrng, for Wine
 * versions that lack it (Debian bookworm's Wine 8.0). Rust's std (>= 1.78) imports
 * ProcessPrng from bcryptprimitives.dll (rust-lang/rust#121337), so pfhir.dll and pfhir.exe
 * do not load under such a Wine without it. Real Windows (10 and later) has the real DLL,
 * which the system loads instead of a copy in the program's folder (KnownDLLs).
 *
 * ProcessPrng fills the buffer from the system's CSPRNG and always returns TRUE; here it
 * forwards to RtlGenRandom (advapi32!SystemFunction036), which Wine implements.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c
 *          bcryptprimitives.def
 */
#include <windows.h>

typedef BOOLEAN(WINAPI *rtl_gen_random_fn)(PVOID, ULONG);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  static rtl_gen_random_fn gen = NULL;
  if (gen == NULL) {
    HMODULE advapi = LoadLibraryA("advapi32.dll");
    gen = advapi != NULL ? (rtl_gen_random_fn)(void *)GetProcAddress(advapi, "SystemFunction036")
                         : NULL;
    if (gen == NULL) {
      FatalAppExitA(0, "bcryptprimitives shim: no advapi32!SystemFunction036");
    }
  }
  while (len > 0) {
    ULONG n = len > 0x10000000u ? 0x10000000u : (ULONG)len;
    if (!gen(data, n)) {
      FatalAppExitA(0, "bcryptprimitives shim: RtlGenRandom failed");
    }
    data += n;
    len -= n;
  }
  return TRUE;
}
