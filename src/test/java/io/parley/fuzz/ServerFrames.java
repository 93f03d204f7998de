package io.parley.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.parley.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Server frames with random field values, one builder per shape. */
final class ServerFrames {
  private ServerFrames() {}

  static ServerFrame random(Class<?> shape, SplittableRandom r) throws Exception {
    if (shape == ServerFrame.Welcome.class)
      return new ServerFrame.Welcome(text(r), text(r), text(r), r.nextLong(), r.nextLong());
    if (shape == ServerFrame.ConvState.class) {
      return new ServerFrame.ConvState(
          text(r), text(r), maybe(r), r.nextLong(), r.nextLong(), r.nextLong(), text(r), maybe(r));
    }
    if (shape == ServerFrame.Synced.class) return new ServerFrame.Synced();
    if (shape == ServerFrame.Pong.class) return new ServerFrame.Pong(maybe(r));
    if (shape == ServerFrame.Sent.class)
      return new ServerFrame.Sent(maybe(r), text(r), text(r), r.nextLong(), r.nextLong());
    if (shape == ServerFrame.Msg.class) return msg(r);
    if (shape == ServerFrame.HistoryPage.class) {
      List<ServerFrame.Msg> messages = new ArrayList<>();
      for (int i = r.nextInt(4); i > 0; i--) messages.add(msg(r));
      return new ServerFrame.HistoryPage(maybe(r), text(r), messages, r.nextBoolean());
    }
    if (shape == ServerFrame.ReadMarker.class)
      return new ServerFrame.ReadMarker(text(r), text(r), r.nextLong());
    if (shape == ServerFrame.Delivered.class)
      return new ServerFrame.Delivered(text(r), text(r), r.nextLong());
    if (shape == ServerFrame.Ok.class) return new ServerFrame.Ok(maybe(r));
    if (shape == ServerFrame.Created.class) return new ServerFrame.Created(maybe(r), text(r));
    if (shape == ServerFrame.Typing.class) return new ServerFrame.Typing(text(r), text(r));
    if (shape == ServerFrame.ContactList.class) {
      return new ServerFrame.ContactList(maybe(r), texts(r), texts(r), texts(r), texts(r));
    }
    if (shape == ServerFrame.ContactEvent.class)
      return new ServerFrame.ContactEvent(text(r), text(r));
    if (shape == ServerFrame.Presence.class)
      return new ServerFrame.Presence(text(r), text(r), r.nextBoolean() ? null : r.nextLong());
    if (shape == ServerFrame.People.class) {
      List<ServerFrame.Person> users = new ArrayList<>();
      for (int i = r.nextInt(4); i > 0; i--) users.add(new ServerFrame.Person(text(r), maybe(r)));
      return new ServerFrame.People(maybe(r), users, maybe(r));
    }
    if (shape == ServerFrame.PresenceList.class) {
      List<ServerFrame.FriendState> friends = new ArrayList<>();
      for (int i = r.nextInt(4); i > 0; i--) {
        Long lastSeen = r.nextBoolean() ? null : r.nextLong();
        friends.add(new ServerFrame.FriendState(text(r), text(r), lastSeen));
      }
      return new ServerFrame.PresenceList(maybe(r), friends, r.nextBoolean() ? null : true);
    }
    if (shape == ServerFrame.Members.class) {
      List<ServerFrame.MemberRole> members = new ArrayList<>();
      for (int i = r.nextInt(4); i > 0; i--)
        members.add(new ServerFrame.MemberRole(text(r), text(r)));
      boolean more = r.nextBoolean();
      return new ServerFrame.Members(maybe(r), text(r), members, more ? true : null, maybe(r));
    }
    if (shape == ServerFrame.Error.class) return new ServerFrame.Error(maybe(r), text(r), text(r));
    throw new AssertionError(
        "a server frame shape the fuzz does not know yet: " + shape.getSimpleName());
  }

  private static ServerFrame.Msg msg(SplittableRandom r) throws Exception {
    JsonNode body =
        switch (r.nextInt(4)) {
          case 0 -> Shapes.JSON.readTree("{\"seq\":" + r.nextLong(1, Long.MAX_VALUE) + "}");
          case 1 -> Shapes.JSON.readTree("{\"event\":\"joined\",\"user\":\"bob\"}");
          default -> TextNode.valueOf(text(r));
        };
    return new ServerFrame.Msg(
        text(r), r.nextLong(), text(r), text(r), text(r), body, r.nextLong());
  }

  /** Any well-formed string: the server never writes a lone surrogate. */
  private static String text(SplittableRandom r) {
    return r.nextInt(50) == 0
        ? Texts.longText(r, 1 + r.nextInt(20_000))
        : r.nextBoolean() ? Texts.any(r, false) : Texts.control(r);
  }

  private static String maybe(SplittableRandom r) {
    return r.nextInt(4) == 0 ? null : text(r);
  }

  private static List<String> texts(SplittableRandom r) {
    List<String> list = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) list.add(text(r));
    return list;
  }
}
