# One image for both processes of docker-compose.yml (web and feed).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 THOR_VAR_DIR=/app/var
COPY pyproject.toml README.md ./
COPY thor_project thor_project
COPY GlobalMarkets GlobalMarkets
COPY LiveData LiveData
COPY ThorTrading ThorTrading
COPY ActAndPos ActAndPos
COPY Trades Trades
COPY manage.py Procfile ./
RUN pip install --no-cache-dir . && mkdir -p var
EXPOSE 8000
