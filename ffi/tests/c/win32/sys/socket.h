/*
 * Windows build of the C tests only (scripts/test-dist, mingw-w64): the few BSD socket calls
 * test_client.c makes (socket, bind, getsockname, close on a socket), over Winsock. This
 * folder comes first on the include path of the Windows build, so the tests keep their POSIX
 * includes. Winsock is started before main() runs.
 */
#ifndef PFHIR_TEST_WIN32_SYS_SOCKET_H
#define PFHIR_TEST_WIN32_SYS_SOCKET_H

#include <winsock2.h>
#include <ws2tcpip.h>
/* Declare close() before it becomes a macro below. */
#include <io.h>
#include <unistd.h>

static void __attribute__((constructor)) pfhir_test_wsa_startup(void) {
  WSADATA wsa;
  WSAStartup(MAKEWORD(2, 2), &wsa);
}

/* close() on a socket: Winsock sockets are not C runtime descriptors. */
static inline int pfhir_test_close(int fd) {
  return closesocket((SOCKET)fd) == 0 ? 0 : _close(fd);
}
#define close(fd) pfhir_test_close(fd)

#endif
