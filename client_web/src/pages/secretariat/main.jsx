import '../../styles/base.css';
import '../../styles/console.css';
import { render } from 'preact';
import { SecretariatApp } from './SecretariatApp.jsx';

render(<SecretariatApp />, document.getElementById('app'));
