# syntax=docker/dockerfile:1
# The `promptrefine` binary in a small, non-root image: `serve` by default; also `migrate`,
# `worker` and `healthcheck`.

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
# The cache mounts keep the registry and target dir between builds on the same machine.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p gateway --bin promptrefine \
    && cp target/release/promptrefine /promptrefine

# glibc and the CA certificates (for Supabase and LLM APIs over TLS), nothing else; runs as
# uid 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /promptrefine /usr/local/bin/promptrefine
ENV BIND_ADDR=0.0.0.0:8080 \
    LOG_FORMAT=json
EXPOSE 8080
USER nonroot
HEALTHCHECK --interval=10s --timeout=6s --retries=3 CMD ["/usr/local/bin/promptrefine", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/promptrefine"]
CMD ["serve"]
