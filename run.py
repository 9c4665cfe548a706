"""Entry point: `flask --app run …` for commands, `python run.py` for the development server,
`gunicorn 'run:app'` in production."""
import os

from app import create_app

app = create_app()

if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8080")))
