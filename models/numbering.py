"""The counters behind document numbers (app/numbering.py). Written only by that module's single statement, so
the rows are not a dataset of their own: the numbers they issue live on the documents."""
from flask_appbuilder import Model
from sqlalchemy import Column, Integer, String, Table

number_counter = Table(
    "number_counter", Model.metadata,
    Column("kind", String(40), primary_key=True),  # e.g. "household_book.certificate", "land_queue.application"
    Column("scope", String(64), primary_key=True),  # "" (national) or a territory's SOATE code
    Column("year", Integer, primary_key=True),  # 0 when numbers never restart
    Column("value", Integer, nullable=False),  # the last number issued
)
