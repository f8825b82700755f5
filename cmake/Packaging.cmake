# A Debian package of everything `cmake --install` puts in place: cpack -G DEB in the build
# directory (or cmake --build BUILD --target package) gives smtp-receiver_<version>_<arch>.deb.
# scripts/check-deb.sh builds it, installs it, runs it and removes it again.
#
# One package holds the program, the window module, the library and its headers and CMake
# package: simple, and enough for a developer tool. A -dev split would move include/ and
# lib*/cmake/ and the unversioned .so into a component of its own.
#
# Configure the build that makes the package with -DCMAKE_INSTALL_PREFIX=/usr. The directories
# inside the package come from the configure-time CMAKE_INSTALL_LIBDIR, which GNUInstallDirs
# derives from CMAKE_INSTALL_PREFIX: lib/<triplet> (Debian's multiarch, where Qt looks for QML
# modules) only for /usr, plain lib for the default /usr/local. The program itself works either
# way: the binary finds its library through an $ORIGIN RPATH and its window module relative to
# its own location (src/app/guiloader.cpp), never through a path compiled in.

set(SMTPRECEIVER_DEB_MAINTAINER "smtp-receiver developers <smtp-receiver@users.noreply.github.com>"
    CACHE STRING "Maintainer field of the Debian package (Name <address>)")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME smtp-receiver)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "smtp-receiver")
set(CPACK_PACKAGE_CONTACT "${SMTPRECEIVER_DEB_MAINTAINER}")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/smtp-receiver/smtp-receiver")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "mail catcher for developers: a local SMTP server that delivers nothing")
set(CPACK_PACKAGE_DESCRIPTION
  "smtp-receiver accepts every message sent to it over SMTP on localhost, never relays or\n"
  "delivers anything, keeps each message in an SQLite database and shows it at once in a\n"
  "desktop window: decoded headers, rendered HTML with remote content blocked, the\n"
  "source, attachments, the MIME tree and checks for common problems.\n"
  "\n"
  "`smtp-receiver --no-gui --json` is the same server without a window, printing one\n"
  "JSON line per message, for continuous integration. `smtp-receiver sendmail` submits a\n"
  "message the way sendmail does, for programs that send mail by running sendmail. With\n"
  "--http it serves a Mailpit-compatible HTTP API. The package also holds the Qt 6\n"
  "libraries SmtpReceiver::Core and SmtpReceiver::Http, their headers and CMake package.")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON) # a RelWithDebInfo build would otherwise ship its debug info

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # smtp-receiver_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SMTPRECEIVER_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Depends: what dpkg-shlibdeps finds in the ELF files (Qt, GMime, libc...), plus what is loaded
# at run time without being linked. Qt's xcb platform plugin, its OpenSSL TLS backend and the SVG
# icon engine come with libqt6gui6, libqt6network6 and libqt6svg6, which shlibdeps already names
# (the window links all three; scripts/check-deb.sh fails if one goes missing). Debian's
# qt6-qpa-plugins holds only the VNC and TUIO plugins, and libqt6gui6 recommends it anyway.
# libqt6keychain1 (passwords in the system keychain) is linked by the window: shlibdeps names it.
# So is libqt6pdf6 (PDF attachments previewed).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(SMTPRECEIVER_DEB_RUNTIME_DEPENDS
    libqt6sql6-sqlite # the QSQLITE driver plugin: the message store
    # (the QML module needs only libqt6qml6, which shlibdeps finds in its plugin)
)
list(JOIN SMTPRECEIVER_DEB_RUNTIME_DEPENDS ", " CPACK_DEBIAN_PACKAGE_DEPENDS)
# Qt's own translations (dialog buttons in German); a native Wayland window rather than XWayland.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-translations-l10n")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "qt6-wayland, swaks")
# libSmtpReceiverCore.so.0 is a public library: a shlibs file for packages that link it, and the
# ldconfig trigger.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

# `cmake --build BUILD --target package_source`: the source tree, without Git and build trees.
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/\\\\.cache/")
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_LIST_DIR}/CPackProjectConfig.cmake)

include(CPack)

if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "Debian package: configure with -DCMAKE_INSTALL_PREFIX=/usr to build it "
                 "(this build would put its libraries in /usr/${CMAKE_INSTALL_LIBDIR})")
endif()
