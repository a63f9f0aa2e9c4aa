export default function TelecallingSettingsPage() {
  return <h1>TelecallingSettingsPage</h1>;
}
