# Kong Gateway with the okta-auth plugin, served by the project's hardened JavaScript plugin server.
#   docker build -t kong-okta-auth .
#   docker run -p 8000:8000 -e OKTA_ISSUER=https://acme.okta.com/oauth2/default
#     -e OKTA_AUTH_SIDECAR_URL=http://127.0.0.1:8080 -e OKTA_AUTH_SIDECAR_TOKEN="$SIDECAR_GATEWAY_TOKEN" kong-okta-auth
# kong.yml reads all three through Kong's env vault (Kong turns an unset one into nil, which okta-auth refuses for
# the issuer and for half a sidecar config).

# Build the plugin bundle and the start command (kong-pdk bundled in). Install scripts are skipped: only tsc and
# esbuild are needed. PLUGIN_SERVER_NODE is the start command's interpreter, named by absolute path because Kong
# spawns it with nginx's cleaned environment (no PATH): the path the final stage copies node to.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY . .
RUN PLUGIN_SERVER_NODE=/usr/local/bin/node npm run build

FROM kong:3.9
USER root
# Kong's base image has no Node.js, and Debian's own nodejs is 18: take Node 20 from the official image.
COPY --from=node:20-bookworm-slim /usr/local/bin/node /usr/local/bin/node
COPY --from=build /src/dist/bin/okta-auth-pluginserver /usr/local/bin/okta-auth-pluginserver
# Exactly one file in the plugins directory: the plugin server loads every entry there as a plugin.
COPY --from=build /src/dist/kong-plugins/okta-auth.js /usr/local/kong/js-plugins/okta-auth.js
COPY kong.yml /kong/kong.yml

# Kong's settings only: the plugin server needs no environment (every setting it takes is a flag).
ENV KONG_DATABASE=off \
    KONG_DECLARATIVE_CONFIG=/kong/kong.yml \
    KONG_PLUGINS=bundled,okta-auth \
    KONG_PLUGINSERVER_NAMES=js \
    KONG_PLUGINSERVER_JS_SOCKET=/usr/local/kong/js_pluginserver.sock \
    KONG_PLUGINSERVER_JS_START_CMD="/usr/local/bin/okta-auth-pluginserver --plugins-directory /usr/local/kong/js-plugins" \
    KONG_PLUGINSERVER_JS_QUERY_CMD="/usr/local/bin/okta-auth-pluginserver --plugins-directory /usr/local/kong/js-plugins --dump-all-plugins"

RUN chown -R kong:0 /usr/local/kong/js-plugins
USER kong
