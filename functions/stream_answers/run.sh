#!/bin/bash
# The Lambda Web Adapter (AWS_LAMBDA_EXEC_WRAPPER=/opt/bootstrap) starts this and forwards each
# function URL request to it, streaming the response back (AWS_LWA_INVOKE_MODE=response_stream).
PYTHONPATH="/opt/python:${LAMBDA_TASK_ROOT}:${PYTHONPATH}" exec python -m uvicorn --host 127.0.0.1 --port "${AWS_LWA_PORT}" --no-access-log app:app
