"""The start page."""
from flask_appbuilder import IndexView


class HomeView(IndexView):
    index_template = "sanarip/index.html"
