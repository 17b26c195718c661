// Shared helpers of the C++ binding tests: paths baked in by CMake, file reading, and the
// sandbox (started with the C test helper ffi/tests/c/test_util.c).
#ifndef PFHIR_CPP_TESTS_SUPPORT_HPP
#define PFHIR_CPP_TESTS_SUPPORT_HPP

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>

#include "pfhir.hpp"

#ifndef PFHIR_TEST_ROOT
#error "PFHIR_TEST_ROOT (the repository root) must be defined by the build"
#endif
#ifndef PFHIR_TEST_CLI
#error "PFHIR_TEST_CLI (the pfhir CLI that runs the sandbox) must be defined by the build"
#endif

namespace pfhir_test {

inline std::string root() { return PFHIR_TEST_ROOT; }

/// The whole file as bytes; throws when it cannot be read.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string good_bundle() {
  return read_file(root() + "/tests/fixtures/partner/good-bundle.json");
}

}  // namespace pfhir_test

#endif
