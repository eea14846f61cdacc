"""The fast extractive engine: a briefing from the article's own sentences, without a language model."""

from briefwire.extractive.briefing import extractive_briefing, warm_up
from briefwire.extractive.ranking import Weights, select_sentences

__all__ = ["Weights", "extractive_briefing", "select_sentences", "warm_up"]
