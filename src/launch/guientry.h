// The one function through which the executable enters the window module
// (lib/smtp-receiver/smtp-receiver-gui.so), looked up by name when a window opens: the whole
// contract between src/app and src/gui.
#pragma once

#include "appoptions.h"

// Runs the window until it quits; returns the process exit code.
using GuiMainFunction = int (*)(int &argc, char **argv, const AppOptions &options);
inline constexpr char guiMainSymbol[] = "smtpReceiverGuiMain";
