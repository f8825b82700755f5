// Placeholder: the route is added by the work that builds it.
#include "mailpitroutes.h"

#include <QtGlobal>

void addMailpitSendRoute(HttpRouter &router, const MailpitContext &context)
{
    Q_UNUSED(router);
    Q_UNUSED(context);
}
