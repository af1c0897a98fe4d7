"""The kinds of bad input found by trying Vivier as a hostile or careless user would
(issue 13), one module per class of fault; `tests/quality/catalogue.py` joins them."""
