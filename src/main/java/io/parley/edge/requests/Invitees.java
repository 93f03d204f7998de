package io.parley.edge.requests;

import io.parley.user.GroupConsent;
import io.parley.user.UserEntity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * Asks the users about to be put into a group whether they may be ({@link GroupConsent}), all at
 * once: first without using anything, so that an unknown id refuses the whole request before
 * anyone's hourly adds are spent; then, of those who may, each reserves one of their adds.
 */
final class Invitees {
  /** Who may be added (unknown empty), or the unknown ids (nobody is added). */
  record Consent(List<String> added, List<String> unknown) {}

  private final ClusterSharding sharding;
  private final Duration timeout;

  Invitees(ClusterSharding sharding, Duration timeout) {
    this.sharding = sharding;
    this.timeout = timeout;
  }

  /** Those of {@code users} who consent to {@code inviter} adding them to conv. */
  CompletionStage<Consent> consent(String inviter, String conv, List<String> users) {
    return ask(inviter, conv, users, false)
        .thenCompose(
            first -> {
              List<String> unknown = having(users, first, GroupConsent.Answer.UNKNOWN_USER);
              if (!unknown.isEmpty())
                return CompletableFuture.completedFuture(new Consent(List.of(), unknown));
              List<String> addable = having(users, first, GroupConsent.Answer.ADDABLE);
              return ask(inviter, conv, addable, true)
                  .thenApply(
                      second ->
                          new Consent(
                              having(addable, second, GroupConsent.Answer.ADDABLE), List.of()));
            });
  }

  private CompletionStage<List<GroupConsent.Answer>> ask(
      String inviter, String conv, List<String> users, boolean reserve) {
    List<CompletableFuture<GroupConsent.Answer>> answers =
        users.stream()
            .map(
                user ->
                    sharding
                        .entityRefFor(UserEntity.ENTITY_KEY, user)
                        .<GroupConsent.Answer>ask(
                            replyTo ->
                                new UserEntity.ConsentToGroup(inviter, conv, reserve, replyTo),
                            timeout)
                        .toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(done -> answers.stream().map(CompletableFuture::join).toList());
  }

  private static List<String> having(
      List<String> users, List<GroupConsent.Answer> answers, GroupConsent.Answer answer) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) if (answers.get(i) == answer) out.add(users.get(i));
    return out;
  }
}
