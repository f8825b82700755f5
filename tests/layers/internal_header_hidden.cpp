// Must NOT compile: a consumer of SmtpReceiver::Core reaching into its internals. The test that
// builds this passes only when the compiler says the internal header cannot be found.
#include "mime/mimeheaders.h"

int layersInternalHeaderProbe()
{
    return 0;
}
