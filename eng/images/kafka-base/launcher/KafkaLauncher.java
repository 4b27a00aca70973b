package testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.util.Arrays;
import java.util.Properties;

/**
 * Starts the broker's JVM at once and holds kafka.Kafka's main back until ZooKeeper serves (Kafka 0.9 gives up when
 * ZooKeeper does not answer within 6 s), so that the JVM's start and the broker's configuration overlap ZooKeeper's own
 * start instead of following it. ZooKeeper serves once 'srvr' reports its mode: 'ruok' answers 'imok' before that, and
 * ZooKeeper 3.5 and later answer only 'srvr' unless told otherwise.
 *
 * <p>Usage: {@code java testkit.KafkaLauncher <host:port> <timeout seconds> <main class> <arguments...>}
 */
public final class KafkaLauncher {
    private static final long POLL_MILLIS = 20;

    private KafkaLauncher() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 3) {
            System.err.println("Usage: testkit.KafkaLauncher <zookeeper host:port> <timeout seconds> <main class> <arguments...>");
            System.exit(2);
        }

        // ZooKeeper's name resolves only once its container joined the network: a failed lookup must not be cached.
        Security.setProperty("networkaddress.cache.negative.ttl", "0");
        String zooKeeper = args[0];
        long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
        String mainClass = args[2];
        String[] mainArgs = Arrays.copyOfRange(args, 3, args.length);

        Thread warmUp = new Thread(() -> warmUp(mainArgs), "testkit-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        awaitZooKeeper(zooKeeper, deadline);
        warmUp.join(5_000);

        MethodHandles.publicLookup()
            .findStatic(Class.forName(mainClass), "main", MethodType.methodType(void.class, String[].class))
            .invokeExact(mainArgs);
    }

    /** Parses the broker's configuration once, which loads and initialises most of what the broker's start needs. */
    private static void warmUp(String[] mainArgs) {
        try {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(Path.of(mainArgs[0]))) {
                properties.load(in);
            }

            Class.forName("kafka.server.KafkaConfig").getMethod("fromProps", Properties.class, boolean.class).invoke(null, properties, false);
        } catch (Throwable ignored) {
            // Only a warm-up: the broker's own start reports whatever is wrong with its configuration.
        }
    }

    private static void awaitZooKeeper(String hostPort, long deadline) throws InterruptedException {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        while (!serves(host, port)) {
            if (System.nanoTime() - deadline > 0) {
                System.err.println("ZooKeeper at " + hostPort + " did not report its mode to 'srvr' in time");
                System.exit(1);
            }

            Thread.sleep(POLL_MILLIS);
        }
    }

    private static boolean serves(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            socket.setSoTimeout(1_000);
            socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(answer);
            return answer.toString(StandardCharsets.US_ASCII).contains("Mode: ");
        } catch (IOException | IllegalArgumentException notYet) {
            return false;
        }
    }
}
