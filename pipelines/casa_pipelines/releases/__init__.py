"""After validation, before publication: a file's rows staged (``stage``),
recorded as an immutable, numbered release (``record``, the only code that
writes the bookkeeping tables of ``casa_staging``), their compressed copy
(``archive``), the difference between two releases (``diff``), where each
dataset stands (``status``), and ``ingest``, which runs the path from a
file to a recorded release."""
