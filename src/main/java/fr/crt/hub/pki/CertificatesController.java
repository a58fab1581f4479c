package fr.crt.hub.pki;

import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/certificates}: every certificate the hub holds or trusts, for the console's certificate page. */
@RestController
public class CertificatesController {

    private final CertificateInventory inventory;

    public CertificatesController(CertificateInventory inventory) {
        this.inventory = inventory;
    }

    @GetMapping("/api/certificates")
    public List<CertificateView> certificates() {
        return inventory.views();
    }
}
