"""Digital signatures (ký số) of PDF documents: verification, trust roots, signing.

Built on pyHanko. `verify` and `trust` and `sign` import nothing from Flask or the database;
`cli` holds the `flask signatures` commands; `messages` the Vietnamese and English wording.
Importing this package loads none of them.
"""
