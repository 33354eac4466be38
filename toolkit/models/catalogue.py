"""Which model to install for each target language, where it comes from and how good it is said to be."""
from __future__ import annotations


#: The English→Armenian route: the Tatoeba-Challenge Marian release, converted here to CTranslate2.
OPUS_MT_URLS = {"hy": "https://object.pouta.csc.fi/Tatoeba-MT-models/eng-hye/opus-2020-06-16.zip"}
