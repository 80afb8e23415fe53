# syntax=docker/dockerfile:1
# Two images from one recipe (run from the checkout):
#   docker build -t imagecaptioning-web .                 the web demo + JSON API (the last stage, the default)
#   docker build --target cli -t imagecaptioning-cli .    the CLI, for batch jobs (deploy/k8s/caption-job.yaml)
# Run:  docker run -p 8080:8080 -v imagecaptioning-cache:/var/cache/imagecaptioning imagecaptioning-web
# The encoder (3.6 MB) is downloaded into the cache volume on first start and checked against models/manifest.json;
# offline, mount a folder that holds it and set IMAGECAPTIONING_MODELS_DIR to it.
# tests/ImageCaptioning.Web.Tests/Container runs the web stage's publish the way this file starts it.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so a source change does not download the packages again.
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY src/ImageCaptioning/ImageCaptioning.csproj src/ImageCaptioning/
COPY src/ImageCaptioning.Training/ImageCaptioning.Training.csproj src/ImageCaptioning.Training/
COPY src/ImageCaptioning.Notebooks/ImageCaptioning.Notebooks.csproj src/ImageCaptioning.Notebooks/
COPY src/ImageCaptioning.Web/ImageCaptioning.Web.csproj src/ImageCaptioning.Web/
COPY src/ImageCaptioning.Cli/ImageCaptioning.Cli.csproj src/ImageCaptioning.Cli/
RUN dotnet restore src/ImageCaptioning.Web/ImageCaptioning.Web.csproj -r linux-x64 \
 && dotnet restore src/ImageCaptioning.Cli/ImageCaptioning.Cli.csproj -r linux-x64
COPY models/ models/
COPY src/ src/
# Framework-dependent for linux-x64 only: the .NET runtime comes from the base image, no other platform's native libraries.
RUN dotnet publish src/ImageCaptioning.Web/ImageCaptioning.Web.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /out/web
RUN dotnet publish src/ImageCaptioning.Cli/ImageCaptioning.Cli.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /out/cli

# What both images share: the shipped decoder, the manifest, the ImageNet tag table, a non-root user and a cache volume it can write.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY models/manifest.json models/manifest.json
COPY models/flickr8k-mobilenetv2/ models/flickr8k-mobilenetv2/
COPY models/imagenet-tags/ models/imagenet-tags/
ENV IMAGECAPTIONING_HOME=/app \
    IMAGECAPTIONING_MODEL=/app/models/flickr8k-mobilenetv2 \
    IMAGECAPTIONING_MODEL_CACHE=/var/cache/imagecaptioning \
    IMAGECAPTIONING_FLAG_DIR=/var/lib/imagecaptioning/flagged \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
# The official images define the user "app" (uid $APP_UID, 1654).
RUN mkdir -p /var/cache/imagecaptioning /var/lib/imagecaptioning/flagged \
 && chown -R $APP_UID:$APP_UID /var/cache/imagecaptioning /var/lib/imagecaptioning
VOLUME ["/var/cache/imagecaptioning", "/var/lib/imagecaptioning/flagged"]
USER $APP_UID

FROM runtime AS cli
LABEL org.opencontainers.image.title="imagecaptioning-cli" \
      org.opencontainers.image.description="Image captioning CLI (caption, evaluate, train …)"
COPY --from=build /out/cli ./
ENTRYPOINT ["dotnet", "ImageCaptioning.Cli.dll"]
CMD ["--help"]

FROM runtime AS web
LABEL org.opencontainers.image.title="imagecaptioning-web" \
      org.opencontainers.image.description="Image captioning web demo and JSON API"
COPY --from=build /out/web ./
# Kestrel listens on every interface at this port (the loopback default applies only when no address is configured).
ENV ASPNETCORE_HTTP_PORTS=8080
# Any Host: the ingress/Service in front checks host names, and kubelet probes and Prometheus come by pod IP, which the
# localhost-only default of AllowedHosts would refuse with 400.
ENV AllowedHosts="*"
EXPOSE 8080
# The image has no curl: bash's /dev/tcp asks /health/live (200 while the process serves, also while the model loads).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${ASPNETCORE_HTTP_PORTS%%[;,]*} && printf 'GET /health/live HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "ImageCaptioning.Web.dll"]
