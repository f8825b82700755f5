# Warnings for every target of this project; -Werror in CI (SMTPRECEIVER_WERROR=ON).
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # Qt's qCDebug(category) << ... expands to a variadic macro with no variadic argument.
  add_compile_options(-Wno-gnu-zero-variadic-macro-arguments)
endif()
if(SMTPRECEIVER_WERROR)
  add_compile_options(-Werror)
endif()

if(SMTPRECEIVER_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Qt strictness, scoped to our own code (examples build without it on purpose).
add_compile_definitions(QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_URL_CAST_FROM_STRING
                        QT_NO_KEYWORDS QT_USE_QSTRINGBUILDER)
