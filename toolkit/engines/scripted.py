"""A scriptable engine for tests and benches: answers from a function you give it and records every call.

Not offered on the command line (`get_engine` does not know it). By default it answers like the pseudo
engine, under whatever name you give it, so a test can check what the pipeline sent without a model:

    engine = ScriptedEngine(name="pseudo")                       # pseudo output, calls recorded
    engine = ScriptedEngine(lambda source, target: f"RU {source}", name="recorder")
    engine = ScriptedEngine(lambda s, t: ["best", "second"])     # an n-best list, best first
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from . import Hypothesis
from .pseudo import PseudoEngine

#: reply(source, target) -> the translation, or the n-best translations best first
Reply = Callable[[str, str], "str | Sequence[str]"]


class ScriptedEngine:
    def __init__(self, reply: Reply | None = None, *, name: str = "scripted", identity: str | None = None,
                 transform: Callable[[str], str] | None = None) -> None:
        self.name = name
        self.reply = reply
        self.transform = transform                 # applied to every hypothesis (e.g. lose placeholders)
        self._pseudo = PseudoEngine()
        self._identity = identity or (self._pseudo.identity("") if reply is None else f"{name} 1")
        self.calls: list[list[str]] = []           # the sources of each translate_batch call, in order

    @property
    def sent(self) -> int:
        """How many segments were sent, over all calls."""
        return sum(len(c) for c in self.calls)

    def identity(self, target: str) -> str:
        return self._identity

    def translate_batch(self, sources: Sequence[str], target: str, *, num_hypotheses: int = 1,
                        progress: Callable[[int], None] | None = None) -> list[list[Hypothesis]]:
        self.calls.append(list(sources))
        if self.reply is None:
            out = self._pseudo.translate_batch(sources, target, num_hypotheses=num_hypotheses)
        else:
            out = []
            for source in sources:
                answer = self.reply(source, target)
                texts = [answer] if isinstance(answer, str) else list(answer)
                out.append([Hypothesis(text, -float(k)) for k, text in enumerate(texts[:num_hypotheses])])
        if self.transform is not None:
            out = [[Hypothesis(self.transform(h.text), h.score) for h in hyps] for hyps in out]
        if progress:
            progress(len(sources))
        return out
