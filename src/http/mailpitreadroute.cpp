// Where a read route of the API runs: on the context's worker pool while the store is open,
// else on the dispatching thread; through the context's cache for the list and search.
#include "mailpitreadcache.h"
#include "mailpitroutes.h"

#include <smtpmessagestore.h>

#include <QPointer>

HttpRouter::Handler mailpitReadRoute(const MailpitContext &context, MailpitRead read)
{
    const QPointer<SmtpMessageStore> store = context.store;
    const QPointer<HttpWorkerPool> readers = context.readers;
    return [store, readers, read = std::move(read)](HttpRequest &request) {
        SmtpMessageStore *s = store.data();
        if (!s)
            return HttpResponse::text(500, QStringLiteral("the message store failed"));
        // The worker gets the store as a plain pointer and a copy of the request: the store
        // waits for the workers before it closes (SmtpHttpApi connects aboutToClose). A write
        // left for afterwards runs only while the store is still there.
        HttpWorkerPool::Job job
            = [s, store, read, request](HttpWorkerPool::Afterwards &afterwards) mutable {
                  HttpWorkerPool::Afterwards write;
                  HttpResponse response = read(*s, request, write);
                  if (write)
                      afterwards = [store, write] {
                          if (store)
                              write();
                      };
                  return response;
              };
        if (!readers || !s->isOpen())
            return HttpWorkerPool::runHere(job);
        return readers->run(std::move(job));
    };
}

HttpRouter::Handler mailpitCachedReadRoute(const MailpitContext &context, MailpitRead read)
{
    HttpRouter::Handler handler = mailpitReadRoute(context, std::move(read));
    return context.cache ? context.cache->wrap(std::move(handler)) : handler;
}
