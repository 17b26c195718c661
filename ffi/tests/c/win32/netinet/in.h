/* Windows build of the C tests only: see sys/socket.h in this folder. */
#ifndef PFHIR_TEST_WIN32_NETINET_IN_H
#define PFHIR_TEST_WIN32_NETINET_IN_H
#include "../sys/socket.h"
#endif
