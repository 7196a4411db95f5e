# Thin aliases for the npm scripts, for those who type `make`.
.PHONY: install start test test-postgres typecheck lint format migrate bench ci

install:
	npm ci

start:
	npm start

test:
	npm test

test-postgres:
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test

typecheck:
	npm run typecheck

lint:
	npm run lint

format:
	npm run format

migrate:
	npm run migrate

bench:
	npm run bench

ci:
	.ci/run
