"""Statistics, narrative, charts and the monthly briefing.

"METHOD" in this package's docstrings and comments is the statistical method, written up in
docs/method.md; its judgements are named J0-J5 and its sections numbered (METHOD 2.2, ...) as
there. briefings/ may import data/, never handlers/ or bot/.
"""
