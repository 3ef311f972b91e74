"""The one error every parser raises on input it does not recognise."""


class SourceFormatError(ValueError):
    """A file did not have the layout its parser expects.

    The message always names the source, the file (its URL or path) and, where there is one, the
    1-based line, so an operator can open the raw archive copy and see the problem.
    """

    def __init__(self, source: str, url: str, problem: str, line: int | None = None):
        self.source = source
        self.url = url
        self.line = line
        self.problem = problem
        where = f"{url}, line {line}" if line is not None else url
        super().__init__(f"[{source}] {where}: {problem}")
