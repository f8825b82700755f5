// Finds and runs the desktop window, which is built as a module of its own
// (lib/smtp-receiver/smtp-receiver-gui.so next to the binary's bin/).
#pragma once

#include <guientry.h>

// Returns the process exit code; 2 with one stderr line when the GUI cannot be loaded.
int runGui(int &argc, char **argv, const AppOptions &options);
