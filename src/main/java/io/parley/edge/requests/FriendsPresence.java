package io.parley.edge.requests;

import com.typesafe.config.Config;
import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import io.parley.user.Contacts;
import io.parley.user.PeopleProtocol;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Friends' current presence, asked of their user entities (docs/protocol.md "Presence"): the list a
 * session gets after welcome, and the answer to a {@code presence} query. Friends only, twice over:
 * only users in the asker's friend list are asked, and each answers only if the asker is their
 * friend; anyone else is left out, never an error that would tell them apart.
 */
public final class FriendsPresence {
  static final String ONLINE = "online";
  static final String OFFLINE = "offline";

  /** The settings of {@code parley.presence}. */
  public record Settings(int listMax, int queryMax, int parallelism) {
    public static Settings from(Config config) {
      Config p = config.getConfig("parley.presence");
      return new Settings(p.getInt("list-max"), p.getInt("query-max"), p.getInt("parallelism"));
    }
  }

  private final Settings settings;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final ActorSystem<?> system;

  public FriendsPresence(
      Settings settings, ClusterSharding sharding, Duration askTimeout, ActorSystem<?> system) {
    this.settings = settings;
    this.sharding = sharding;
    this.askTimeout = askTimeout;
    this.system = system;
  }

  /** The hello list: the first {@code list-max} friends by id, {@code more} if there are others. */
  public CompletionStage<ServerFrame> list(String me) {
    return friends(me)
        .thenCompose(
            friends -> {
              List<String> listed = friends.stream().limit(settings.listMax()).toList();
              Boolean more = friends.size() > listed.size() ? Boolean.TRUE : null;
              return states(me, listed).thenApply(s -> new ServerFrame.PresenceList(null, s, more));
            });
  }

  /** The presence of those of {@code q.users()} who are friends. */
  public CompletionStage<ServerFrame> query(String me, ClientFrame.PresenceQuery q) {
    if (q.users().size() > settings.queryMax()) {
      return CompletableFuture.completedFuture(
          ServerFrame.Error.of(
              q.rid(),
              ErrorCode.BAD_REQUEST,
              "a presence query names at most " + settings.queryMax() + " users"));
    }
    return Unanswered.answered(
        q,
        friends(me)
            .thenCompose(
                friends -> {
                  Set<String> asked = new LinkedHashSet<>(q.users());
                  asked.retainAll(Set.copyOf(friends));
                  return states(me, List.copyOf(asked))
                      .thenApply(s -> new ServerFrame.PresenceList(q.rid(), s, null));
                }));
  }

  private CompletionStage<List<String>> friends(String me) {
    return user(me)
        .<Contacts.View>ask(UserEntity.GetContacts::new, askTimeout)
        .thenApply(Contacts.View::friends);
  }

  /** In the order given, a few entities at a time; one that does not answer in time is left out. */
  private CompletionStage<List<ServerFrame.FriendState>> states(String me, List<String> friends) {
    return Source.from(friends)
        .mapAsync(settings.parallelism(), friend -> state(me, friend))
        .filter(Optional::isPresent)
        .map(Optional::get)
        .runWith(Sink.seq(), system);
  }

  private CompletionStage<Optional<ServerFrame.FriendState>> state(String me, String friend) {
    return user(friend)
        .<PeopleProtocol.PresenceView>ask(
            replyTo -> new PeopleProtocol.GetPresence(me, replyTo), askTimeout)
        .handle(
            (view, failure) -> {
              if (failure != null || !view.friend()) return Optional.empty();
              if (view.online())
                return Optional.of(new ServerFrame.FriendState(friend, ONLINE, null));
              Long lastSeen = view.lastSeen() == 0 ? null : view.lastSeen();
              return Optional.of(new ServerFrame.FriendState(friend, OFFLINE, lastSeen));
            });
  }

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<UserEntity.Command> user(
      String id) {
    return sharding.entityRefFor(UserEntity.ENTITY_KEY, id);
  }
}
