// Placeholder: the routes are added by the work that builds them.
#include "mailpitroutes.h"

#include <QtGlobal>

void addMailpitMessageRoutes(HttpRouter &router, const MailpitContext &context)
{
    Q_UNUSED(router);
    Q_UNUSED(context);
}
