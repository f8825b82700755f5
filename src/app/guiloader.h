// Finds and runs the desktop window, which is built as a module of its own
// (lib/smtp-receiver/smtp-receiver-gui.so next to the binary's bin/).
#pragma once

struct AppOptions;

// Returns the process exit code; 2 with one stderr line when the GUI cannot be loaded.
int runGui(int &argc, char **argv, const AppOptions &options);

// The function the GUI module exports under this name.
using GuiMainFunction = int (*)(int &argc, char **argv, const AppOptions &options);
inline constexpr char guiMainSymbol[] = "smtpReceiverGuiMain";
