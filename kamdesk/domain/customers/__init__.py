"""Customer-file rules (大客户档案), pure Python: no database, no Qt.

Modules, each importable on its own (the package imports nothing eagerly, so the
pinyin dictionary is loaded only by code that asks for search keys):

- ``credit_code``: unified social credit code (统一社会信用代码) check and demo generator
- ``phone``: mobile and landline numbers of China, normalised
- ``names``: company-name normalisation and near-duplicate detection
- ``pinyin_keys``: full-pinyin and initials search keys
- ``classification``: category, level and grade vocabularies
- ``grading_rules`` / ``grading``: HQ-published grading rules and the grading engine
- ``visits``: visit interval per grade and an account's visit status
- ``churn``: churn warning score from its signals
- ``reasons``: the explanation lines (code + parameters) the engines return
"""
