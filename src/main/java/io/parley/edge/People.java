package io.parley.edge;

import io.parley.protocol.ClientFrame;
import io.parley.protocol.ErrorCode;
import io.parley.protocol.ServerFrame;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Contact operations over the socket (PROTOCOL.md section 6): asks the user entities. */
final class People {
  private final SessionDeps deps;

  People(SessionDeps deps) {
    this.deps = deps;
  }

  CompletionStage<ServerFrame> handle(String user, ClientFrame.ContactOp op) {
    return CompletableFuture.completedFuture(
        ServerFrame.Error.of(op.rid(), ErrorCode.INTERNAL, "not implemented yet"));
  }

  CompletionStage<ServerFrame> contacts(String user, ClientFrame.Contacts c) {
    return CompletableFuture.completedFuture(
        ServerFrame.Error.of(c.rid(), ErrorCode.INTERNAL, "not implemented yet"));
  }
}
