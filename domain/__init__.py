"""Domain of zhuxin (筑薪): real-name management, attendance and payroll rules.

Plain Python and SQLAlchemy models; nothing here imports Flask. Services take a SQLAlchemy
``Session`` and an ``Actor`` and raise ``DomainError`` with a bilingual message.
"""
