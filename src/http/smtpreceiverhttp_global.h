// Export macros of SmtpReceiver::Http. Internal classes that the unit tests and the fuzzer reach
// use SMTPRECEIVERHTTP_TEST_EXPORT, which exports only in builds with tests.
#pragma once

#include "smtpreceiverhttp_export.h"

#ifdef SMTPRECEIVERHTTP_BUILDING_TESTS
#define SMTPRECEIVERHTTP_TEST_EXPORT SMTPRECEIVERHTTP_EXPORT
#else
#define SMTPRECEIVERHTTP_TEST_EXPORT SMTPRECEIVERHTTP_NO_EXPORT
#endif
