"""Payroll rules (工资): pay periods, money, the Shanghai minimum wage, wage lines and their checks.

Plain Python: no Flask, no database. Inputs are dataclasses; the web and engine layers map their
rows onto them.
"""
