package io.parley.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.parley.auth.Tokens;
import io.parley.edge.requests.Devices;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ServerFrame;
import io.parley.user.PushDevices;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The caller's push registrations: {@code POST /api/v1/me/devices} {device, provider, token,
 * preview?} registers or replaces one and answers it as listed; {@code GET /api/v1/me/devices}
 * lists them (never a token); {@code DELETE /api/v1/me/devices/{device}} removes one (204, also
 * when there was none). Bearer token required. The same checks as the socket's {@code
 * push_register} ({@link Devices}).
 */
public final class DeviceRoutes extends AllDirectives {
  private final Devices devices;
  private final Auth auth;
  private final ObjectMapper json;
  private final ClientFrame.Limits limits;

  public DeviceRoutes(Devices devices, Auth auth, ObjectMapper json, ClientFrame.Limits limits) {
    this.devices = devices;
    this.auth = auth;
    this.json = json;
    this.limits = limits;
  }

  public Route routes() {
    return pathPrefix(
        "me",
        () ->
            pathPrefix(
                "devices",
                () ->
                    auth.authenticated(
                        claims ->
                            concat(
                                pathEnd(
                                    () ->
                                        concat(
                                            get(() -> list(claims.user())),
                                            post(
                                                () ->
                                                    JsonBody.object(
                                                        json, body -> register(claims, body))))),
                                path(
                                    PathMatchers.segment(),
                                    device -> delete(() -> unregister(claims, device)))))));
  }

  private Route list(String user) {
    return onSuccess(
        devices.list(user),
        view -> Json.complete(StatusCodes.OK, json.createObjectNode().set("devices", array(view))));
  }

  private Route register(Tokens.Claims claims, JsonNode body) {
    String device = JsonBody.text(body, "device");
    JsonNode preview = body.get("preview");
    if (device == null) return badRequest("device is required (a string)");
    if (preview != null && !preview.isNull() && !preview.isBoolean())
      return badRequest("preview must be true or false");
    var frame =
        new ClientFrame.PushRegister(
            null,
            device,
            JsonBody.text(body, "provider"),
            JsonBody.text(body, "token"),
            preview != null && preview.asBoolean());
    String problem = frame.validate(limits);
    if (problem != null) return badRequest(problem);
    return onSuccess(
        devices.handle(claims.user(), null, claims.tokenId(), frame),
        reply ->
            reply instanceof ServerFrame.Error e
                ? Json.error(e)
                : onSuccess(devices.list(claims.user()), view -> listed(view, device)));
  }

  private Route unregister(Tokens.Claims claims, String device) {
    if (!ClientFrame.validDevice(device)) return badRequest(ClientFrame.DEVICE_RULE);
    var frame = new ClientFrame.PushUnregister(null, device);
    return onSuccess(
        devices.handle(claims.user(), null, claims.tokenId(), frame),
        reply ->
            reply instanceof ServerFrame.Error e
                ? Json.error(e)
                : complete(StatusCodes.NO_CONTENT));
  }

  private Route listed(PushDevices.View view, String device) {
    for (PushDevices.Listed listed : view.devices()) {
      if (listed.device().equals(device))
        return Json.complete(StatusCodes.OK, json.valueToTree(listed));
    }
    // Removed between the two asks (a logout, a dead token): it was registered, and is gone.
    return Json.error(StatusCodes.CONFLICT, "conflict", "the device was removed meanwhile");
  }

  private com.fasterxml.jackson.databind.node.ArrayNode array(PushDevices.View view) {
    var list = json.createArrayNode();
    for (PushDevices.Listed listed : view.devices())
      list.add((ObjectNode) json.valueToTree(listed));
    return list;
  }

  private static Route badRequest(String message) {
    return Json.error(StatusCodes.BAD_REQUEST, "bad_request", message);
  }
}
