// Export macros of SmtpReceiver::Core. Public classes use SMTPRECEIVER_EXPORT; internal classes
// that the unit tests and the fuzzer reach use SMTPRECEIVER_TEST_EXPORT, which exports only in
// builds made with tests (like Qt's Q_AUTOTEST_EXPORT).
#pragma once

#include "smtpreceiver_export.h"

#if defined(SMTPRECEIVER_BUILDING_TESTS) || defined(SMTPRECEIVER_STATIC)
#define SMTPRECEIVER_TEST_EXPORT SMTPRECEIVER_EXPORT
#else
#define SMTPRECEIVER_TEST_EXPORT SMTPRECEIVER_NO_EXPORT
#endif
