/** Project settings for the web client. NEXT_PUBLIC_* values are inlined at build time. */
export const APP_NAME = "{{ cookiecutter.project_name }}";
export const API_URL = process.env.NEXT_PUBLIC_API_URL ?? "http://localhost:{{ cookiecutter.api_port }}";
