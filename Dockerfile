# syntax=docker/dockerfile:1
# Thor in two stages: the dashboard built with Node, then the Python app that serves it.
# One image for both processes of docker-compose.yml (web and feed).

# --- 1. the dashboard (frontend/dist) ------------------------------------------------------------
FROM node:20-slim AS dashboard
WORKDIR /frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN npm run build

# --- 2. Thor -------------------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    THOR_VAR_DIR=/var/lib/thor \
    THOR_HOST=0.0.0.0 \
    THOR_PORT=8000
WORKDIR /app
# A user of its own: nothing in the container runs as root.
RUN groupadd --system thor \
 && useradd --system --gid thor --home-dir /app --shell /usr/sbin/nologin thor \
 && mkdir -p /var/lib/thor /workbook \
 && chown thor:thor /var/lib/thor
COPY pyproject.toml README.md ./
COPY core core
COPY thor_project thor_project
COPY GlobalMarkets GlobalMarkets
COPY LiveData LiveData
COPY ThorTrading ThorTrading
COPY ActAndPos ActAndPos
COPY Trades Trades
COPY Notifications Notifications
COPY manage.py Procfile ./
COPY --from=dashboard /frontend/dist frontend/dist
COPY docker/web.sh /usr/local/bin/thor-web
RUN pip install --no-cache-dir . && chmod 0755 /usr/local/bin/thor-web
USER thor
# var/ (secret key, generated admin password, static files, the tick archive) and the workbook folder.
VOLUME ["/var/lib/thor"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=90s --retries=3 \
  CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/api/health/', timeout=2).status == 200 else 1)"
CMD ["thor-web"]
