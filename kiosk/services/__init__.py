"""Writes for kiosks, one module per job: ``devices`` (registration codes, register,
rename/move, revoke, cookie rebind), ``pins`` (set, reset, change), ``authentication``
(kiosk sign-in) and ``retention`` (purging failed sign-ins). Domain errors are in
``errors``. Reads are in ``kiosk.selectors``.

Every service takes the acting user (or, for sign-in, the device), runs in one
transaction and writes its audit event there. Import from the module that does the job;
this package deliberately re-exports nothing.
"""
