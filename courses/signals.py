"""Signals other apps listen to, so that ``courses`` never imports them.

``course_completed`` is sent inside the transaction that records the completion, with
``completion`` (a ``CourseCompletion``) and ``course`` (the ``CoursePage``). Receivers that
write rows do it in that transaction; anything that leaves the database (a Celery task)
must wait for ``transaction.on_commit``.

``enrolment_target_set`` is sent when an officer sets or clears a target date
(``enrolment``), inside that transaction, so the training app moves it by the time that
does not count.
"""

from django.dispatch import Signal

course_completed = Signal()
enrolment_target_set = Signal()
