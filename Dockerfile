# One image for web, worker and beat.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN useradd --create-home --uid 1000 rehab
COPY pyproject.toml README.md ./
COPY rehab rehab
COPY athletes athletes
COPY protocols protocols
COPY monitoring monitoring
RUN pip install .
COPY . .
RUN DJANGO_ENV=local python manage.py collectstatic --noinput \
      -i widgetbundle.js -i datasets -i templates
USER rehab
EXPOSE 8000
CMD ["gunicorn", "rehab.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
