"""Machine translation and the writing aid, through DeepL: the only package that imports deepl."""
