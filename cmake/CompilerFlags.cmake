# Compiler flags for this project's own targets, carried by two interface targets instead of
# directory-wide options, so that nothing else built in this tree (examples, an embedding
# project that adds us as a subdirectory) inherits them:
#   SmtpReceiverStrict    warnings (errors with SMTPRECEIVER_WERROR) and Qt's strict casts, for
#                         the product code: every library, module and executable under src/;
#   SmtpReceiverTestFlags the same warnings without the cast restrictions: tests read better with
#                         plain string literals.
# The sanitizers are a build mode rather than a strictness, so they stay global: every object of
# a sanitizer build, tests included, must be instrumented alike.
set(warnings -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # Qt's qCDebug(category) << ... expands to a variadic macro with no variadic argument.
  list(APPEND warnings -Wno-gnu-zero-variadic-macro-arguments)
endif()
if(SMTPRECEIVER_WERROR)
  list(APPEND warnings -Werror)
endif()

add_library(SmtpReceiverTestFlags INTERFACE)
target_compile_options(SmtpReceiverTestFlags INTERFACE ${warnings})
target_compile_definitions(SmtpReceiverTestFlags INTERFACE QT_NO_KEYWORDS QT_USE_QSTRINGBUILDER)

add_library(SmtpReceiverStrict INTERFACE)
target_link_libraries(SmtpReceiverStrict INTERFACE SmtpReceiverTestFlags)
target_compile_definitions(SmtpReceiverStrict INTERFACE
  QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_URL_CAST_FROM_STRING)

if(SMTPRECEIVER_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
