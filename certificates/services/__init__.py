"""Certificate services, one module per job (writes; reads live in ``selectors``).

- ``documents``: what a certificate says, as data for the PDF, the signed credential and
  the signed status list (no writes).
- ``issuing``: the pipeline from a completion to an issued certificate (prepare, enqueue,
  render and store).
- ``officer_actions``: what an education officer does by hand (issue, revoke, reissue).
- ``bulk_issuing``: an administrator's bulk run and its progress.
- ``privacy``: the holder's choice of what the public check page shows.
- ``sweeper``: re-enqueues certificates that a lost message left waiting.
- ``errors``: ``CertificateError``, a refusal whose message is for the person acting.

Import from the module that does the job (``from certificates.services.issuing import
certificate_issue``); this package re-exports nothing, so a reader finds each function in
one place. Services never import ``certificates.tasks``: they enqueue by task name through
the Celery app, and the tasks import the services.
"""
