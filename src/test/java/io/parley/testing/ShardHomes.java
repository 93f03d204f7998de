package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.parley.node.ParleyConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;

/**
 * Where sharding keeps an entity: its shard id, by sharding's own extractor and the shard count the
 * nodes run with, and the shards a node's region hosts, from its Pekko Management ({@code GET
 * /cluster/shards/<type>}).
 */
public final class ShardHomes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final HashCodeMessageExtractor<Object> EXTRACTOR =
      new HashCodeMessageExtractor<>(
          ParleyConfig.load(ConfigFactory.empty())
              .getInt("pekko.cluster.sharding.number-of-shards"));

  private ShardHomes() {}

  public static String shardOf(String entityId) {
    return EXTRACTOR.shardId(entityId);
  }

  /** The shards of entity type {@code type} ("User", "Conversation") the node hosts now. */
  public static Set<String> hostedBy(int managementPort, String type) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + managementPort + "/cluster/shards/" + type))
            .build();
    JsonNode stats = JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
    // Pekko Management answers {"regions":[{"shardId":"123","numEntities":1},...]} for this node.
    Set<String> shards = new HashSet<>();
    for (JsonNode region : stats.path("regions")) shards.add(region.path("shardId").asText());
    return shards;
  }

  /** Whether the node hosts the shard of entity {@code entityId} of type {@code type}. */
  public static boolean hosts(int managementPort, String type, String entityId) throws Exception {
    return hostedBy(managementPort, type).contains(shardOf(entityId));
  }
}
