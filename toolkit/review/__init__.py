"""`toolkit review`: a local web page where reviewers settle glossary conflicts, each decision a precise
edit of the glossary file (`edit`), the findings gathered from the glossary lint (`cards`), served by a
small Starlette app on 127.0.0.1 (`app`). Imported only by that command: its web stack stays out of
`toolkit --help` and `translate`.
"""
